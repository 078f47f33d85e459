package cli

// The root command's help: what a new user needs to find on one screen.

// rootExamples are the root command's examples.
const rootExamples = `  # bring up the default tree, built into devstack, in a new directory
  mkdir -p /tmp/cloud && devstack --top-dir /tmp/cloud stack

  # see what a stack of a DevStack checkout would do, running nothing
  devstack --top-dir ~/devstack plan

  # is each service of the last stack still running, and where it listens
  devstack --top-dir /tmp/cloud status

  # stop the services; remove what the stack wrote
  devstack --top-dir /tmp/cloud unstack
  devstack --top-dir /tmp/cloud clean

  # as root, on a throwaway VM or CI machine
  DEVSTACK_ALLOW_ROOT=yes devstack --top-dir /tmp/cloud stack`

// EnvironmentHelp lists the environment variables the tool reads.
const EnvironmentHelp = `Environment:
  DEVSTACK_TOP_DIR      the tree, as --top-dir
  DEVSTACK_ALLOW_ROOT   run as root, as --allow-root
  DEVSTACK_STRICT       as --strict
  DEVSTACK_VERBOSE      as --verbose
  DEVSTACK_WAIT         as --wait
  DEVSTACK_CONFIG       the settings file, as --config
  XDG_CONFIG_HOME       the settings file is $XDG_CONFIG_HOME/devstack/config.yaml
                        (default ~/.config/devstack/config.yaml), if present
  Yes-or-no settings read as DevStack's trueorfalse: True, true, yes, Yes, 1
  (or on) and False, false, no, No, 0 (or off). Flags win over the
  environment, the environment over the settings file, whose keys are the
  flags' names (allow-root: yes). The scripts see the rest of the
  environment, as stack.sh would (DEST, OFFLINE, ...).`

// ExitStatusHelp says what the exit status of a command means; the one
// place it is written.
const ExitStatusHelp = `Exit status:
  0        success
  N        a stack stopped by a failing command ends with its status
           (127: command not found)
  1        any other failure: a refusal, a syntax error, unstack or clean
           with failed steps; status: a service is dead; plan: the run
           would be refused
  2        usage: an unknown command or flag, a wrong argument, a bad --output
  128+N    stopped by signal N (130 for INT, 143 for TERM)`

// rootHelpTemplate is cobra's help with the environment and the exit
// status after it.
const rootHelpTemplate = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}{{if or .Runnable .HasSubCommands}}{{.UsageString}}{{end}}{{if not .HasParent}}
` + EnvironmentHelp + `

` + ExitStatusHelp + `
{{end}}`
