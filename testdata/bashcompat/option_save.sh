# NAME=$(set +o | grep OPTION), the way DevStack saves and restores
# xtrace around its functions, with xtrace off and on, errexit, an ERR
# trap, and set and grep as functions.
trap 'echo "ERR at $LINENO"' ERR

function quiet {
    local xtrace
    xtrace=$(set +o | grep xtrace)
    set +o xtrace
    echo "quiet: saved [$xtrace] status $?"
    $xtrace
}

function missing {
    local saved
    saved=$(set +o | grep nosuchoption)
    echo "missing: [$saved] status $?"
}

function several {
    local saved
    saved=$(set +o | grep e)
    echo "several: $(echo "$saved" | wc -l) lines"
    saved=$(set +o | grep errexit)
    echo "errexit: [$saved]"
}

quiet
missing
several
set -e
quiet
several
set +e
set -o pipefail
p=$(set +o | grep pipefail)
echo "top: [$p]"
m=$(set +o | grep nosuchoption)
echo "top missing: [$m] status $?"
set +o pipefail

# With xtrace on, the statement runs as written; bash's own trace of the
# pipeline comes in either order, and is left out.
echo "with xtrace:"
set -x
quiet 2> /dev/null
{ set +x; } 2> /dev/null
echo "after: $-"

function grep {
    echo "my grep $*"
}
quiet
unset -f grep
function set {
    builtin set "$@"
    echo "my set"
}
x=$(set +o | grep xtrace)
echo "[$x]"
unset -f set
y=$(set +o | grep xtrace) && echo "and: [$y]"
z=$(set +o | grep xtrace) | cat
echo "pipe: [${z:-unset}]"
