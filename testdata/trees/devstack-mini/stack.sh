#!/usr/bin/env bash
# stack.sh of a miniature DevStack checkout, shaped as DevStack's: its own
# root refusal, errexit, exit trap, run_phase, and an older tree's inline
# extras.d loop for one phase.

TOP_DIR=$(cd $(dirname "$0") && pwd)

source $TOP_DIR/functions

# local.conf's [[local|localrc]] section, as stack.sh extracts it.
rm -f $TOP_DIR/.localrc.auto
if [[ -r $TOP_DIR/local.conf ]]; then
    awk '/^\[\[local\|localrc\]\]/ {on=1; next} /^\[\[/ {on=0} on' $TOP_DIR/local.conf > $TOP_DIR/.localrc.auto
fi

source $TOP_DIR/stackrc

if [[ $EUID -eq 0 ]]; then
    echo "You are running this script as root."
    exit 1
fi

function echo_summary {
    echo "$@" >&3
}
exec 3>&1

function exit_trap {
    local r=$?
    record "exit_trap $r"
    exit $r
}
trap exit_trap EXIT
set -o errexit

run_phase override_defaults
source $TOP_DIR/lib/keystone
source $TOP_DIR/lib/nova
run_phase source

mkdir -p $DEST $DATA_DIR
run_phase stack pre-install

echo_summary "Installing keystone"
install_keystone
if is_service_enabled n-cpu; then
    install_nova_hypervisor
fi
# The inline loop of 2014's stack.sh.
if [[ -d $TOP_DIR/extras.d ]]; then
    for i in $TOP_DIR/extras.d/*.sh; do
        [[ -r $i ]] && source $i stack install
    done
fi
run_plugins stack install

run_phase stack post-config
echo_summary "Starting keystone"
start_keystone
run_phase stack extra
record "stack.sh done"
