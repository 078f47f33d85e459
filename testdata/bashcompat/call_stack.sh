# FUNCNAME, BASH_SOURCE, BASH_LINENO and caller, through source and calls.
here=$(dirname "${BASH_SOURCE[0]}")
cat > "$TMPDIR/lib.sh" <<'LIB'
function libfn {
    echo "libfn: FUNCNAME=${FUNCNAME[*]} BASH_LINENO=${BASH_LINENO[*]}"
    echo "libfn: BASH_SOURCE=${BASH_SOURCE[*]##*/}"
    echo "caller 0: $(caller 0 | sed 's#[^ ]*/##')"
    echo "caller 1: $(caller 1 | sed 's#[^ ]*/##')"
    echo "caller: $(caller | sed 's#[^ ]*/##')"
    caller 5 || echo "caller 5 status $?"
}
echo "lib top: FUNCNAME=${FUNCNAME[*]} count=${#FUNCNAME[@]} BASH_LINENO=${BASH_LINENO[*]}"
LIB
echo "main: count=${#FUNCNAME[@]} source=${BASH_SOURCE[0]##*/} lineno=${BASH_LINENO[*]}"
source "$TMPDIR/lib.sh"
outer() {
    libfn
    source "$TMPDIR/lib.sh"
}
outer
