# WSGI entry point stand-in
