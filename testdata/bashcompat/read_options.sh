# read: -d, -n, -N, -u, -a, -t and bash's splitting on IFS.
read -d , first rest <<< "one two,three"
echo "-d ,: [$first] [$rest] status $?"
read -r -d '' all <<< "line one
line two"
echo "-d '': [$all] status $?"
printf 'p\0q\0' > "$TMPDIR/nul.bin"
while IFS= read -r -d '' item; do echo "NUL item: $item"; done < "$TMPDIR/nul.bin"
read -n 3 three <<< "abcdef"
echo "-n 3: [$three]"
read -N 4 four <<< "ab
cdef"
echo "-N 4: $(printf %q "$four")"
read -rd, word <<< "x,y"
echo "-rd,: [$word]"
IFS=, read a b <<< "x,y,"
echo "IFS=, two names: [$a] [$b]"
IFS=, read a b <<< "x,y,z,"
echo "rest keeps separators: [$a] [$b]"
IFS=, read -ra fields <<< "a,,b,"
echo "empty fields kept: ${#fields[@]} [${fields[1]}]"
read a b <<< "  lead   trail  "
echo "blanks trimmed: [$a] [$b]"
read <<< "  kept as is  "
echo "REPLY: [$REPLY]"
read a b <<< 'x\ y z'
echo "escaped blank: [$a] [$b]"
read -r a <<< 'x\ y'
echo "raw: [$a]"
printf 'cont\\\ninued\n' | { read a; echo "continued: [$a]"; }
IFS= read a b <<< "  no split  "
echo "empty IFS: [$a] [$b]"
read a < /dev/null
echo "end of input: status $? [$a]"
echo "from a pipe" | { read -t 1 a; echo "-t: [$a] status $?"; }
read -t 0 < /dev/null; echo "-t 0 on a file: $?"
exec 5< "$TMPDIR/nul.bin"
read -u 5 -d '' a
echo "-u 5 -d '': [$a]"
exec 5<&-
read -d
echo "missing argument: $?"
read -z 2>/dev/null
echo "bad option: $?"
read 'bad name' <<< x
echo "bad name: $?"
# A timeout on a FIFO the script opened, with nothing written to it.
mkfifo "$TMPDIR/fifo"
exec 9<> "$TMPDIR/fifo"
rm -f "$TMPDIR/fifo"
read -u 9 -t 0.01 nothing; echo "fifo timeout $?"
( read -u 9 -t 0.01 ); echo "in a subshell $?"
exec 9<&-
