# File descriptors above 2, as stack.sh uses them.
exec 3>&1
echo "to fd 3" >&3
exec 4>"$TMPDIR/four.txt"
echo "into four" >&4
exec 4>&-
cat "$TMPDIR/four.txt"
exec 6> >(sed 's/^/via 6: /')
echo "through a process substitution" >&6
exec 6>&-
wait
exec 3>&-
echo "after closing" 2>&1
