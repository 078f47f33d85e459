# caller at the top level, in functions, in sourced files.
caller
echo "caller at the top: $?"
caller 0
echo "caller 0 at the top: $?"
caller x
echo "caller x: $?"
inner() {
    caller
    caller 0
    caller 1
    echo "caller 1 status: $?"
}
outer() { inner; }
outer
inner
printf 'caller\ncaller 0\nlib_func() { caller 0; caller 1; caller 2; }\nlib_func\n' > "$TMPDIR/lib.sh"
cd "$TMPDIR"
. ./lib.sh
wrapper() { . ./lib.sh; }
wrapper
echo "in a substitution: $(caller)"
trace_me() { echo "called from line $(caller | cut -d' ' -f1)"; }
trace_me
