echo "80-tempest $*" >> "$RECORD"
