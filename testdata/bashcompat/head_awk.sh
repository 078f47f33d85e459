# head and awk in their plain forms, which may run in-process: a file
# read by head is left past the lines it printed; a pipeline's head ends
# the reading; awk prints fields of each line, or of matching lines.
dir=$(mktemp -d)
printf 'one\ntwo\nthree\nfour\n' > "$dir/f"
{ head -1; cat; } < "$dir/f"
{ head -n 2; echo --; head -1; } < "$dir/f"
seq 1 100000 | head -3
printf 'a b c\n  d\te  f\n\nno end' | awk '{print $2}'
first=$(printf 'default via 10.0.0.1 dev eth0\n10.0.0.0/8 dev eth0\ndefault via 10.0.0.2 dev eth1\n' | awk '/default/ {print $5}' | head -1)
echo "first=$first"
printf 'root:x:0:0\n' | awk -F: '{print $3}'
echo "status $?"
rm -rf "$dir"
