#!/usr/bin/env bash
# unstack.sh of a miniature DevStack checkout.

UNSTACK_ALL=""
while getopts ":a" opt; do
    case $opt in
        a) UNSTACK_ALL=yes ;;
    esac
done

TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/functions
source $TOP_DIR/stackrc

if [[ $EUID -eq 0 ]]; then
    echo "You are running this script as root."
    exit 1
fi

source $TOP_DIR/lib/keystone
source $TOP_DIR/lib/nova
run_phase unstack

stop_keystone
if is_service_enabled n-cpu; then
    stop_nova_hypervisor
fi
record "unstack.sh done all=$UNSTACK_ALL"
