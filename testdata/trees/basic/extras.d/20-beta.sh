# Records every call; returns early at the top level outside stack, which
# must end this script only.
echo "20-beta $# $*" >> "$RECORD"

if [[ "$1" != "stack" ]]; then
    return 0
fi

echo "20-beta $2 continues after return check, DEMO_STATE=${DEMO_STATE:-unset}" >> "$RECORD"
