#!/bin/bash
#
# driver.sh: the contract's order of stack, unstack and clean written in
# plain bash, the reference the differential tests compare devstack with.
#
#   driver.sh DEFAULT_TREE TOP_DIR stack|unstack|clean
#
# DEFAULT_TREE is the repository's root (the tree devstack embeds); files of
# TOP_DIR shadow files of it with the same relative path. Only what the
# fixture scripts can observe is reproduced: hooks, libraries and the
# hypervisor plugin, in order, with their arguments, in one shell. As
# stack.sh, the driver calls no service's functions: the hooks do. local.conf INI merges, timestamps and .stackenv
# are the Go tests' business.

DEFAULT_TREE=$(cd "$1" && pwd)
TOP_DIR=$(cd "$2" && pwd)
COMMAND=$3

# With TRACE_LOG set, the commands of the hooks are traced into it, file
# and line first, as stack.sh traces into its LOGFILE and devstack into its
# log.
TRACE=""
if [[ -n ${TRACE_LOG:-} ]]; then
    exec {trace_fd}>>"$TRACE_LOG"
    BASH_XTRACEFD=$trace_fd
    PS4='+ ${BASH_SOURCE[0]#$TOP_DIR/}:${LINENO} '
    TRACE=1
fi

# --- the functions every hook may call -------------------------------------

function is_service_enabled {
    local service item
    for service in "$@"; do
        for item in ${ENABLED_SERVICES//,/ }; do
            [[ $item == "$service" ]] && return 0
            case $service in
                nova) [[ $item == n-* ]] && return 0 ;;
                glance) [[ $item == g-* ]] && return 0 ;;
                cinder) [[ $item == c-* ]] && return 0 ;;
                neutron) [[ $item == q-* || $item == neutron-* ]] && return 0 ;;
                swift) [[ $item == s-* ]] && return 0 ;;
            esac
        done
    done
    return 1
}

function echo_summary {
    echo "$@"
}

function trueorfalse {
    local value=${!2:-}
    case $value in
        1|yes|Yes|YES|true|True|TRUE) echo True ;;
        0|no|No|NO|false|False|FALSE) echo False ;;
        *) echo "$1" ;;
    esac
}

# --- the overlay of TOP_DIR over the default tree --------------------------

# resolve REL: sets RESOLVED to the path a tree-relative file is sourced
# from, "" if neither tree has it. No subshell: bash forks are slow, and
# stack.sh does not fork per hook either.
function resolve {
    RESOLVED=""
    if [[ -f $TOP_DIR/$1 ]]; then
        RESOLVED=$TOP_DIR/$1
    elif [[ -f $DEFAULT_TREE/$1 ]]; then
        RESOLVED=$DEFAULT_TREE/$1
    fi
}

# merged DIR PATTERN: names matching PATTERN in DIR of either tree, sorted
# in byte order.
function merged {
    local dir=$1 pattern=$2 f
    for f in "$TOP_DIR/$dir"/$pattern "$DEFAULT_TREE/$dir"/$pattern; do
        [[ -f $f ]] && echo "${f##*/}"
    done | LC_ALL=C sort -u
}

function run_hooks {
    local path
    for path in "${HOOK_PATHS[@]}"; do
        [[ -n $TRACE ]] && set -o xtrace
        source "$path" "$@"
        { set +o xtrace; } 2>/dev/null
    done
}

# --- configuration, libraries, plugin: the first steps of every command ----

# load_localrc: stackrc calls it where DevStack's stackrc sources localrc.
function load_localrc {
    local localrc
    localrc=$(awk '
        /^\[\[.*\]\]/ { in_localrc = ($0 ~ /^\[\[ *local *\| *localrc *\]\]/); next }
        in_localrc { print }
    ' "$TOP_DIR/local.conf")
    eval "$localrc"
}

function read_configuration {
    resolve stackrc
    source "$RESOLVED"
    if [[ $COMMAND != stack && -r $TOP_DIR/.stackenv ]]; then
        source "$TOP_DIR/.stackenv"
    fi
}

function source_libraries {
    local name
    for name in $LIBS; do
        resolve "lib/$name"
        source "$RESOLVED"
    done
    PLUGIN=""
    if is_service_enabled nova; then
        resolve "lib/nova_plugins/hypervisor-$VIRT_DRIVER"
        PLUGIN=$RESOLVED
        if [[ -n $PLUGIN ]]; then
            source "$PLUGIN"
        fi
    fi
}

function first_steps {
    read_configuration
    run_hooks override_defaults
    source_libraries
    run_hooks source
}

# The hooks' paths are resolved once, as run_phase globs once per phase.
HOOK_PATHS=()
for name in $(merged extras.d '*.sh'); do
    resolve "extras.d/$name"
    HOOK_PATHS+=("$RESOLVED")
done
LIBS=$(merged lib '*')

function do_unstack {
    first_steps
    run_hooks unstack
    if [[ -n $PLUGIN ]] && is_service_enabled n-cpu; then
        stop_nova_hypervisor
    fi
}

case $COMMAND in
    stack)
        set -o errexit
        first_steps
        mkdir -p "$DEST" "$DATA_DIR" "$LOGDIR"
        run_hooks stack pre-install
        [[ -n $PLUGIN ]] && is_service_enabled n-cpu && install_nova_hypervisor
        run_hooks stack install
        [[ -n $PLUGIN ]] && is_service_enabled n-cpu && configure_nova_hypervisor
        run_hooks stack post-config
        [[ -n $PLUGIN ]] && is_service_enabled n-cpu && start_nova_hypervisor
        run_hooks stack extra
        run_hooks stack test-config
        echo "# stack" > "$TOP_DIR/.stackenv"
        ;;
    unstack)
        do_unstack
        ;;
    clean)
        first_steps
        # clean runs a whole unstack in a shell of its own, as clean.sh runs
        # unstack.sh.
        bash "$0" "$DEFAULT_TREE" "$TOP_DIR" unstack
        run_hooks clean
        if [[ -n $PLUGIN ]] && is_service_enabled nova; then
            cleanup_nova_hypervisor
        fi
        rm -rf "$DATA_DIR" "$LOGDIR" "$TOP_DIR/.stackenv"
        ;;
esac
