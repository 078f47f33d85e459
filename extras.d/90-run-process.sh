# extras.d/90-run-process.sh - clean removes what run_process leaves behind
# for the enabled services: their pid files, and the identity of the
# process each names, in $SERVICE_DIR (the tool's own supervisor), and
# their devstack@NAME units in $SYSTEMD_DIR (systemd), as DevStack's
# clean.sh does. Numbered 90 so that every plugin's clean hook
# runs first and may still read them.

function _clean_run_process_state {
    local service
    local unit
    local reload=False
    for service in ${ENABLED_SERVICES//,/ }; do
        unit=$SYSTEMD_DIR/devstack@$service.service
        if [[ -f $unit ]]; then
            $SUDO rm -f "$unit"
            reload=True
        fi
        rm -f "$SERVICE_DIR/$service.pid" "$SERVICE_DIR/$service.pid.identity"
    done
    if [[ $reload == True && -d /run/systemd/system ]]; then
        $SUDO systemctl daemon-reload
    fi
    if [[ -d $SERVICE_DIR ]]; then
        rmdir --ignore-fail-on-non-empty "$SERVICE_DIR"
    fi
}

if [[ "$1" == "clean" ]]; then
    _clean_run_process_state
fi
