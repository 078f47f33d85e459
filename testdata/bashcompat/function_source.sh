# BASH_SOURCE of a function is the file that defined it, also for one
# defined before the script sources another file (stack.sh's exit_trap).
early() { echo "early is from ${BASH_SOURCE[0]##*/}"; }
cat > "$TMPDIR/lib.sh" <<'LIB'
libfn() { echo "libfn is from ${BASH_SOURCE[0]##*/}"; }
LIB
source "$TMPDIR/lib.sh"
late() { echo "late is from ${BASH_SOURCE[0]##*/}"; }
early
libfn
late
