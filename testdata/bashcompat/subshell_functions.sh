# Functions defined in a subshell, a command substitution or a file
# sourced there run in a frame of their own: FUNCNAME, caller and
# BASH_SOURCE show them, nested subshells inherit them.
where() { echo "${FUNCNAME[*]} | $(caller 0 | cut -d' ' -f1-2)"; }
( h() { where; }; h; ( h ) )
x=$(k() { echo "${FUNCNAME[*]}"; }; k); echo "sub: $x"
dir=$(mktemp -d)
printf 'from_lib() {\n    echo "lib: ${FUNCNAME[0]} ${BASH_SOURCE[0]##*/}"\n}\n' > "$dir/lib.sh"
( source "$dir/lib.sh"; from_lib )
outer() { inner() { echo "inner: ${FUNCNAME[*]}"; }; inner; }
( outer; inner )
declare -f outer
set -x
( t() { :; }; t )
set +x
( u() { return 3; }; u; echo "u: $?" )
type h 2>&1 | head -1
rm -rf "$dir"
