# A traced command whose standard error is redirected is traced on the
# shell's standard error; a subshell sees the call stack of the
# function it runs in.
exec 2>&1
PS4='+ ${BASH_SOURCE[0]##*/}:${FUNCNAME[0]:-main}:${LINENO} '
function conf {
    local file=$1
    if ! grep -q "^\[x\]" $file 2> /dev/null; then
        echo "[x]" >> /dev/null
    fi
    (cd / && echo sub > /dev/null)
    echo piped > /dev/null && true
}
set -x
conf /nonexistent
ls /nonexistent 2>/dev/null || true
set +x
