#!/usr/bin/env bash
#
# unstack.sh of the devstack-shaped test tree: stops what stack.sh started.

UNSTACK_ALL=""
if [[ $1 == --all ]]; then
    UNSTACK_ALL=1
fi

TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/functions

if [[ $EUID -eq 0 ]]; then
    echo "You are running this script as root."
    exit 1
fi

source $TOP_DIR/stackrc
if [[ -r $TOP_DIR/plugins.conf ]]; then
    source $TOP_DIR/plugins.conf
fi
exec 3>&1

source $TOP_DIR/lib/ledger
source $TOP_DIR/lib/nova
run_phase source
run_phase unstack

if is_service_enabled ledger; then
    stop_ledger
fi
if is_service_enabled nova; then
    stop_nova
fi
if [[ -n $UNSTACK_ALL ]]; then
    sudo systemctl stop mysql
fi
echo_summary "unstack.sh completed"
