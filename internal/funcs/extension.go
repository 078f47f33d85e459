package funcs

import "devstack/internal/bash"

// Extension is the library's name among a session's extensions: a session
// that has it names it in its options, and a background job's process
// registers the library again (see Reregister).
const Extension = "funcs"

// Reregister registers the library on a background job's session, as a
// bash.ExtensionFunc. The job's library starts afresh, without a
// reporter: its messages go to the job's standard streams.
func Reregister(opts *bash.Options, arg string) (func(*bash.Session), error) {
	return func(s *bash.Session) { Register(s, Options{}) }, nil
}
