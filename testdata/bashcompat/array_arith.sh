# Arithmetic assigns to array elements: (( )), $(( )) and let.
counts=()
for word in b a c a b a; do
    case $word in
    a) i=0 ;;
    b) i=1 ;;
    c) i=2 ;;
    esac
    (( counts[i]++ ))
done
echo "counts: ${counts[*]}"

declare -A seen
for key in "x y" z "x y"; do
    (( seen[$key] += 10 ))
done
echo "seen: ${seen["x y"]} ${seen[z]}"

# The value of the expansion, and the element it left behind.
echo "old $(( counts[0]++ )), now ${counts[0]}"
total=$(( sum[3] = counts[0] + counts[1] ))
echo "total $total, sum[3]=${sum[3]}"
if [[ $(( flags[1] |= 4 )) -eq 4 ]]; then
    echo "flags ${flags[1]}"
fi

# From the end, in a function's local array, and through let.
function bump {
    local -a nums=(1 2 3)
    (( nums[-1] *= 10 ))
    let "nums[0] += nums[1]" nums[1]--
    echo "nums: ${nums[*]}"
}
bump

# A scalar becomes an array; a subscript from a parameter.
scalar=7
(( scalar[2] = 9 ))
echo "scalar: ${scalar[*]}"
set -- 4
(( pos[$1]++ ))
echo "pos: ${!pos[*]}"

# The status of (( )) is the value's, and errors say so.
(( z[0] = 0 )) || echo "zero is false"
(( bad[-5]++ )) 2>/dev/null || echo "no such element: $?"

set -x
(( traced[1] += 2 ))
echo $(( traced[1] * 2 ))
set +x
