#!/usr/bin/env bash
# clean.sh of a miniature DevStack checkout: a whole unstack first, as a
# program of its own.

TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/functions
source $TOP_DIR/stackrc

$TOP_DIR/unstack.sh --all

source $TOP_DIR/lib/keystone
source $TOP_DIR/lib/nova
run_phase clean
if is_service_enabled nova; then
    cleanup_nova_hypervisor
fi
rm -rf $DATA_DIR
record "clean.sh done"
