"""Web: the Flask-SocketIO server, its pages and handlers; turns live streams into events for browsers."""
