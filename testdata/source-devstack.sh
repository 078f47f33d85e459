#!/bin/bash
# Source DevStack's libraries as stack.sh does and report what is enabled.
TOP_DIR=${DEVSTACK_DIR:?set DEVSTACK_DIR to a DevStack checkout}
cd "$TOP_DIR"
source $TOP_DIR/functions
source $TOP_DIR/lib/stack
source $TOP_DIR/stackrc
for lib in database rpc_backend host apache tls infra libraries lvm horizon keystone glance nova placement cinder swift neutron ldap dstat atop tcpdump etcd3 os-vif; do
    source $TOP_DIR/lib/$lib
done
for service in nova cinder glance neutron horizon swift tempest; do
    if is_service_enabled $service; then
        echo "$service: enabled"
    else
        echo "$service: disabled"
    fi
done
echo "DEST=$DEST DATA_DIR=$DATA_DIR VIRT_DRIVER=$VIRT_DRIVER"
