# getopts as bash runs it: silent and reporting modes, bundles, arguments,
# the end of the options, OPTIND resets, explicit words and functions.

# show OPTSTRING WORDS...: every option getopts reads from WORDS, then
# where it stopped.
show() {
    local OPTIND opt optstring=$1
    shift
    while getopts "$optstring" opt; do
        echo "  opt=$opt OPTARG=${OPTARG-<unset>} OPTIND=$OPTIND"
    done
    echo "  status=$? opt=$opt OPTIND=$OPTIND OPTARG=${OPTARG-<unset>}"
}

echo "--all, silent"
show ":a" --all
echo "--all, reporting"
show "a" --all
echo "bundled"
show "abc" -ab -c rest
echo "arguments attached and apart"
show "f:v" -fx -f y -vfz -v -f "two words" last
echo "an argument that looks like an option"
show "f:a" -f -a -a
echo "missing argument, silent"
show ":f:a" -a -f
echo "missing argument, reporting"
show "f:a" -a -f
echo "invalid option, silent"
show ":ab" -a -x -b
echo "invalid option, reporting"
show "ab" -a -x -b
echo "colon as an option"
show ":ab" -a: -b
echo "double dash ends the options"
show "ab" -a -- -b
echo "lone dash"
show "ab" -a - -b
echo "first non-option word"
show "ab" -a word -b
echo "empty word"
show "ab" -a "" -b
echo "no words"
show "ab"
echo "dash in the option string"
show "a-" -a- -a
echo "arguments with blanks and quotes"
show ":m:" -m "it's a 'test'" -m'  spaced  '

echo "OPTERR=0"
OPTERR=0
show "f:a" -x -f
unset OPTERR

echo "positional parameters at the top level"
set -- -a -b value operand -c
while getopts ":ab:c" opt; do
    case $opt in
        a) echo "  a" ;;
        b) echo "  b with $OPTARG" ;;
        \?) echo "  invalid -$OPTARG" ;;
        :) echo "  -$OPTARG needs an argument" ;;
    esac
done
shift $((OPTIND-1))
echo "  OPTIND=$OPTIND rest: $*"

echo "OPTIND=1 restarts"
OPTIND=1
set -- -xy -z
getopts xyz opt; echo "  $opt $OPTIND"
OPTIND=1
getopts xyz opt; echo "  $opt $OPTIND"
getopts xyz opt; echo "  $opt $OPTIND"
getopts xyz opt; echo "  $opt $OPTIND"
getopts xyz opt; echo "  status=$? $opt $OPTIND"
OPTIND=1
getopts xyz opt; echo "  again $opt $OPTIND"

echo "OPTIND set to a later word"
OPTIND=3
getopts abc opt -a -b -c; echo "  $opt $OPTIND"
OPTIND=9
getopts abc opt -a -b -c; echo "  status=$? $opt $OPTIND"
OPTIND=junk
getopts abc opt -b; echo "  $opt $OPTIND"

echo "explicit words win over the positional parameters"
set -- -a
OPTIND=1
getopts ab opt -b; echo "  $opt $OPTIND"
OPTIND=1
getopts ab opt; echo "  $opt $OPTIND"

echo "OPTARG is cleared"
OPTIND=1
OPTARG=stale
getopts a opt -a; echo "  ${OPTARG-<unset>}"
OPTARG=stale
getopts a opt; echo "  ${OPTARG-<unset>}"

echo "a function with its own OPTIND inside a loop"
inner() {
    local OPTIND=1 o
    getopts q o -q
    echo "    inner $o $OPTIND"
}
set -- -mn -p
OPTIND=1
while getopts mnp opt; do
    echo "  outer $opt $OPTIND"
    inner
done

echo "a function sharing OPTIND with its caller"
words=(-mn -p)
next_opt() {
    getopts "mnp" opt "${words[@]}"
}
OPTIND=1
while next_opt; do
    echo "  $opt $OPTIND"
done

echo "a function parsing its own arguments"
parse() {
    local OPTIND opt verbose=no file=none
    while getopts ":vf:" opt; do
        case $opt in
            v) verbose=yes ;;
            f) file=$OPTARG ;;
            *) echo "  bad: $opt $OPTARG" ;;
        esac
    done
    shift $((OPTIND - 1))
    echo "  verbose=$verbose file=$file args=$*"
}
parse -v -f conf one two
parse -f
parse -- -v
parse -vq three
echo "  top OPTIND=$OPTIND"

echo "nested functions, each with its own OPTIND"
outer() {
    local OPTIND o
    while getopts xy o "$@"; do
        echo "  outer $o $OPTIND"
        middle -k -l
    done
    echo "  outer done $OPTIND"
}
middle() {
    declare OPTIND=1 o
    while getopts kl o "$@"; do
        echo "    middle $o $OPTIND"
    done
}
outer -xy -x
echo "  top OPTIND=$OPTIND"

echo "errors"
getopts -x opt -a; echo "  status=$?"
getopts a; echo "  status=$?"
getopts; echo "  status=$?"
getopts -- a opt -a; echo "  status=$? opt=$opt"
OPTIND=1
getopts a 1bad -a; echo "  status=$? OPTIND=$OPTIND"

echo "an assignment of OPTIND keeps its status"
OPTIND=$(exit 3)
echo "  status=$?"
OPTIND=1 && echo "  and-list goes on"
false || OPTIND=1
echo "  status=$? OPTIND=$OPTIND"

echo "traced"
OPTIND=1
set -x
getopts :a opt --all
set +x
echo "  opt=$opt OPTARG=$OPTARG"
