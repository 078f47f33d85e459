# In a sourced file, assigning to a readonly variable discards the rest
# of the file's command line (in a function, of the file's line that
# called it), and the file goes on with its next line; the lines after a
# multi-line command discarded are counted from the line of the error, as
# bash counts them.
trap 'echo "ERR trap"' ERR
readonly R=1
dir=$(mktemp -d)
set_r() { R=2; echo "not reached"; }
cat > "$dir/lib.sh" <<'LIB'
echo "lib: line $LINENO, args $*"
R=3; echo "not reached"
if true; then
    R=4
    echo "not reached"
fi
echo "lib: line $LINENO after a block"
set_r; echo "not reached"
echo "lib: status $?"
inner() { R=5; }
inner
R=6
LIB
printf 'source "%s/lib.sh"; echo "nested: $?"\nR=7\n' "$dir" > "$dir/outer.sh"
. "$dir/lib.sh" a b 2>"$dir/errors"; echo "sourced: $?"
sed "s|$dir/||" "$dir/errors"
source "$dir/lib.sh" 2>/dev/null; echo "sourced again: $?"
source "$dir/outer.sh" 2>/dev/null; echo "outer: $?"
rm -r "$dir"
