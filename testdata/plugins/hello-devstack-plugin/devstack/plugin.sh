#!/bin/bash
#
# hello: a small DevStack plugin used by scripts/compare-stack.sh. Each
# phase calls a few stubbed commands and writes to $HELLO_CONF, so the
# comparison sees each phase run, in order, once.

function hello_note {
    local phase=$1
    sudo install -d -o $STACK_USER $HELLO_CONF_DIR
    echo "$phase = $HELLO_GREETING" | sudo tee -a $HELLO_CONF > /dev/null
}

if is_service_enabled hello; then
    if [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
        install_package hello
        hello_note pre-install
    elif [[ "$1" == "stack" && "$2" == "install" ]]; then
        pip_install hello-server
        hello_note install
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        iniset $HELLO_CONF DEFAULT greeting "$HELLO_GREETING"
        hello_note post-config
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        sudo systemctl start hello
        hello_note extra
    elif [[ "$1" == "stack" && "$2" == "test-config" ]]; then
        hello_note test-config
    fi

    if [[ "$1" == "unstack" ]]; then
        sudo systemctl stop hello
        hello_note unstack
    fi

    if [[ "$1" == "clean" ]]; then
        sudo rm -f $HELLO_CONF
        sudo rmdir $HELLO_CONF_DIR
    fi
fi
