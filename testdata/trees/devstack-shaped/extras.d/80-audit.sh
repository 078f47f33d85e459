# extras.d/80-audit.sh: notes each call of the hooks, with its arguments.

mkdir -p $DEST
echo "audit: $*" >> $DEST/hooks.log
