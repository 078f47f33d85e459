# extras.d/50-notes.sh: a hook in the shape of the plugin page's template,
# for the "notes" service.

if is_service_enabled notes; then
    if [[ $1 == source ]]; then
        NOTES_DIR=$DEST/notes
    elif [[ $1 == stack && $2 == install ]]; then
        echo_summary "Installing notes"
        install_package notes-server
    elif [[ $1 == stack && $2 == post-config ]]; then
        write_conf $DEST/etc/notes/notes.conf DEFAULT dir $NOTES_DIR
    elif [[ $1 == stack && $2 == extra ]]; then
        run_process notes "notes-server --dir $NOTES_DIR"
    fi
    if [[ $1 == unstack ]]; then
        stop_process notes
    fi
    if [[ $1 == clean ]]; then
        rm -rf $DEST/etc/notes
    fi
fi
