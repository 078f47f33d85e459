# extras.d/50-template.sh - the template service's dispatch script, shaped
# as DevStack's plugin documentation shapes plugin.sh.
#
# lib/template's install_, configure_, init_, start_, stop_ and
# cleanup_template are called by the run's own service steps (right
# before the stack install, post-config and extra phases, and in unstack
# and clean); this script does what those steps have no place for.

if is_service_enabled template; then

    if [[ "$1" == "stack" && "$2" == "pre-install" ]]; then
        echo_summary "Installing template's packages: $TEMPLATE_PACKAGES"
        # Word splitting is wanted: one package per word.
        install_package $TEMPLATE_PACKAGES

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "template is running: $(template_url) (log: $LOGDIR/template.log, config: $TEMPLATE_CONF)"
    fi

fi
