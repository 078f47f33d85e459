# Descriptors above 2 beyond exec N>: inside process substitutions, for
# input, allocated with {name}, a command's own, and noclobber.
exec 3>"$TMPDIR/three.txt"
echo "through fd 3 in a process substitution" > >(cat >&3)
# The substitution runs beside the shell: wait for its line.
for i in {1..100}; do [[ -s $TMPDIR/three.txt ]] && break; sleep 0.02; done
cat "$TMPDIR/three.txt"
exec 3>&1
exec 4<<<"a here-string on fd 4"
read -u 4 line
echo "read -u 4: $line"
exec 4<&-
exec {fd}>"$TMPDIR/named.txt"
[[ $fd -ge 10 ]] && echo "{fd} allocated 10 or above"
echo "written through \$fd" >&$fd
exec {fd}>&-
cat "$TMPDIR/named.txt"
echo "dup of stdin" <&0
printf 'first\nsecond\n' > "$TMPDIR/lines.txt"
cat 3< "$TMPDIR/lines.txt" <&3
while read -u 3 word; do
    echo "loop read: $word"
done 3< <(printf 'a\nb\n')
while read -r -u 5 n; do
    echo "fd 5: $n"
done 5< "$TMPDIR/lines.txt"
# A command's own descriptor is undone after it; the shell's stays.
exec 6>"$TMPDIR/six.txt"
echo "to the shell's fd 6" >&6
{ echo "to the block's fd 6" >&6; } 6>"$TMPDIR/block.txt"
echo "fd 6 is the shell's again" >&6
exec 6>&-
cat "$TMPDIR/six.txt" "$TMPDIR/block.txt"
# Swapping stdout and stderr through fd 3.
{ echo "swapped onto stderr" 3>&1 1>&2 2>&3 3>&-; } 2>&1 >/dev/null
cd "$TMPDIR"
set -o noclobber
echo one > clobber.txt
echo two > clobber.txt
echo "overwrite refused: $?"
echo three >| clobber.txt
cat clobber.txt
echo appended >> clobber.txt
echo four > /dev/null && echo "devices are not clobbered"
exec 8>clobber.txt || echo "exec refused too"
set +o noclobber
echo five > clobber.txt && cat clobber.txt
read -u 7 never
echo "read -u of a closed fd: $?"
exec 3>&-
