# extras.d/50-template.sh - DevStack extras.d dispatch script for the
# template service (lib/template), in the shape of the plugin page's
# template: the run calls no service function itself, this script does.

# check for service enabled
if is_service_enabled template; then

    if [[ "$1" == "source" ]]; then
        # Initial source of lib script
        source $TOP_DIR/lib/template
    fi

    if [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
        # Set up system services
        echo_summary "Configuring system services Template"
        # Word splitting is wanted: one package per word.
        install_package $TEMPLATE_PACKAGES

    elif [[ "$1" == "stack" && "$2" == "install" ]]; then
        # Perform installation of service source
        echo_summary "Installing Template"
        install_template

    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        # Configure after the other layer 1 and 2 services have been
        # configured; local.conf's [[post-config|$TEMPLATE_CONF]] is merged
        # right after this phase
        echo_summary "Configuring Template"
        configure_template
        init_template

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        # Initialize and start the template service
        echo_summary "Initializing Template"
        start_template
        echo_summary "template is running: $(template_url) (log: $LOGDIR/template.log, config: $TEMPLATE_CONF)"
    fi

    if [[ "$1" == "unstack" ]]; then
        # Shut down template services
        stop_template
    fi

    if [[ "$1" == "clean" ]]; then
        # Remove state and transient data
        # Remember clean.sh first calls unstack.sh
        cleanup_template
    fi
fi
