# A file sourced while set -u is on, which does not turn it on itself,
# reports an unset variable as bash does, with its own name and line.
dir=$(mktemp -d)
printf 'echo "lib start"\necho "value: $UNSET_IN_LIB"\necho "not reached"\n' > "$dir/lib.sh"
printf 'echo "set: ${SET_LATER:-default}"\n' > "$dir/ok.sh"
source "$dir/ok.sh"
set -o nounset
out=$( source "$dir/ok.sh"; source "$dir/lib.sh" 2>&1 )
echo "status $?"
echo "${out//$dir/DIR}"
rm -rf "$dir"
