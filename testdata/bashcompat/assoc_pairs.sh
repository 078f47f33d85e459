# An associative array's literal without subscripts is pairs of key and
# value; a key left over gets the empty value.
declare -A colours=(red ff0000 "light blue" "add8e6" green)
for key in "${!colours[@]}"; do
    echo "colours[$key]=${colours[$key]}"
done | sort

# No word of the literal is split.
word="two words"
declare -A unsplit=($word value)
echo "unsplit: ${unsplit["two words"]}"

function local_pairs {
    local -A inner=(k v)
    echo "inner: ${inner[k]}"
}
local_pairs
echo "outside: ${inner[k]-unset}"
