#!/usr/bin/env bash
#
# stack.sh of the devstack-shaped test tree: the shape of DevStack's, small.

set -o errexit

TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/functions

if [[ $EUID -eq 0 ]]; then
    echo "You are running this script as root."
    echo "Run it as a user with sudo rights."
    exit 1
fi

source $TOP_DIR/stackrc
if [[ -r $TOP_DIR/plugins.conf ]]; then
    source $TOP_DIR/plugins.conf
fi

# The console stays on fd 3; the rest goes to LOGFILE and the console.
exec 3>&1
if [[ -n $LOGFILE ]]; then
    mkdir -p $(dirname $LOGFILE)
    exec 1> >(tee $LOGFILE) 2>&1
fi

# A helper that outlives the run until exit_trap stops it, as DevStack's
# spinner and tails do.
function start_watcher {
    sleep 60 > /dev/null 2>&1 &
}

trap exit_trap EXIT
function exit_trap {
    local r=$?
    set +o xtrace
    local jobs
    jobs=$(jobs -p)
    if [[ -n $jobs ]]; then
        echo "exit_trap: cleaning up child processes"
        kill $jobs
        echo "stopped $(echo $jobs | wc -w) child processes" >> $DEST/exit_trap.log
    fi
    if [[ $r -ne 0 ]]; then
        echo "Error on exit"
    fi
    exit $r
}

# Started before xtrace, whose lines from a background job would come in
# any order.
start_watcher

PS4='+ ${BASH_SOURCE[0]#$TOP_DIR/}:${LINENO} '
set -o xtrace

echo_summary "stack.sh of the devstack-shaped tree"
mkdir -p $DEST $DATA_DIR $LOGDIR
sudo chown -R $STACK_USER $DEST

source $TOP_DIR/lib/ledger
source $TOP_DIR/lib/nova

fetch_plugins
run_phase source

# Older trees' own loop over the hooks, kept for the "source" of a hook
# that only this loop reads.
for i in $TOP_DIR/extras.d/*.sh; do
    [[ -r $i ]] && source $i stack pre-install
done

echo_summary "Installing"
install_package mysql-server
async_run docs write_docs
if is_service_enabled ledger; then
    install_ledger
fi
if is_service_enabled nova; then
    install_nova
fi
run_phase stack install
async_wait docs

echo_summary "Configuring"
if is_service_enabled ledger; then
    configure_ledger
    init_ledger
fi
if is_service_enabled nova; then
    configure_nova
fi
run_phase stack post-config

echo_summary "Starting"
if is_service_enabled ledger; then
    start_ledger
fi
if is_service_enabled nova; then
    start_nova
fi
run_phase stack extra
run_phase stack test-config

set +o xtrace
{
    echo "DEST=$DEST"
    echo "ENABLED_SERVICES=$ENABLED_SERVICES"
} > $TOP_DIR/.stackenv
echo_summary "stack.sh completed"
