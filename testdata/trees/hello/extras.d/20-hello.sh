# 20-hello.sh - an extras.d dispatch script in the shape of the plugin
# page's template, for the service in lib/hello

# check for service enabled
if is_service_enabled hello; then

    if [[ "$1" == "source" ]]; then
        # Initial source of lib script
        source $TOP_DIR/lib/hello
    fi

    if [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
        # Set up system services
        echo_summary "Configuring system services Hello"
        install_package cowsay

    elif [[ "$1" == "stack" && "$2" == "install" ]]; then
        # Perform installation of service source
        echo_summary "Installing Hello"
        install_hello

    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        # Configure after the other layer 1 and 2 services have been
        # configured
        echo_summary "Configuring Hello"
        configure_hello

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        # Initialize and start the hello service
        echo_summary "Initializing Hello"
        start_hello
    fi

    if [[ "$1" == "unstack" ]]; then
        # Shut down hello services
        stop_hello
    fi

    if [[ "$1" == "clean" ]]; then
        # Remove state and transient data
        # Remember clean.sh first calls unstack.sh
        cleanup_hello
    fi
fi
