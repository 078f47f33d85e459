# The counter plugin, dispatched with MODE and PHASE by run_plugins.

if is_service_enabled counter; then
    echo "counter: $1 ${2:-}" >> $DEST/hooks.log
    if [[ $1 == stack && $2 == install ]]; then
        install_package counter-tools
    elif [[ $1 == stack && $2 == extra ]]; then
        run_process counter "$COUNTER_DIR/bin/counter"
    elif [[ $1 == unstack ]]; then
        stop_process counter
    elif [[ $1 == clean ]]; then
        rm -f $DEST/hooks.log
    fi
fi
