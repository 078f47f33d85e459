echo "disabled/30-nested.sh must never run" >> "$RECORD"
