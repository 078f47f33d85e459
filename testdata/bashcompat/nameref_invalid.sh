# A nameref must name a variable: bash refuses an empty name, one that is
# not a name, and the reference itself, and the reference is not made.
declare -n empty=""
echo "empty: $? [$empty]"
declare -n slash=/
echo "slash: $? [$slash]"
declare -n self=self
echo "self: $?"
target=value
declare -n good=target
echo "good: $? [$good]"

# Inside a function, from an argument.
function show {
    local -n ref=$1
    echo "show $1: [$ref]"
}
show target
show ""

# A local nameref without a value names nothing yet.
function unnamed {
    local -n ref
    echo "unnamed: [$ref]"
}
unnamed

# Through eval (whose messages name the line of the text it runs), and
# traced.
eval 'declare -n viaeval=""' 2>/dev/null
echo "eval: $?"
set -x
declare -n traced=target
declare -n bad=""
set +x

# export -n and readonly -n take the attribute away; the value stays.
export -n plain=one
readonly -n notro=two
notro=three
echo "$plain $notro"
