#!/usr/bin/env bash
#
# clean.sh of the devstack-shaped test tree: unstack everything, then remove
# what stack.sh created.

TOP_DIR=$(cd $(dirname "$0") && pwd)
source $TOP_DIR/functions
source $TOP_DIR/stackrc
if [[ -r $TOP_DIR/plugins.conf ]]; then
    source $TOP_DIR/plugins.conf
fi
exec 3>&1

source $TOP_DIR/lib/ledger
source $TOP_DIR/lib/nova
run_phase source

# unstack.sh runs in a process of its own.
$TOP_DIR/unstack.sh --all

run_phase clean
if is_service_enabled ledger; then
    cleanup_ledger
fi
if is_service_enabled nova; then
    cleanup_nova
fi
sudo apt-get purge -y mysql-server
rm -rf $DATA_DIR $DEST/docs $DEST/async $TOP_DIR/.stackenv
echo_summary "clean.sh completed"
