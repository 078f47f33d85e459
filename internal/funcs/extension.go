package funcs

import "devstack/internal/shell"

// Extension is the library's name among a session's extensions: a session
// that has it names it in its options, and a background job's process
// registers the library again (see Reregister).
const Extension = "funcs"

// Reregister registers the library on a background job's session, as a
// shell.ExtensionFunc. The job's library starts afresh, without a
// reporter: its messages go to the job's standard streams.
func Reregister(opts *shell.Options, arg string) (func(*shell.Session), error) {
	return func(s *shell.Session) { Register(s, Options{}) }, nil
}
