# The dispatch script of lib/demo, shaped as the plugin page's template:
# the run never calls a service's functions, this script does.
if is_service_enabled demo; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        install_demo
    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        configure_demo
        init_demo
    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        start_demo
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_demo
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_demo
    fi
fi
