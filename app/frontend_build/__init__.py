"""How the production build is shaped: edits to the files Reflex writes into .web on each
compile (rxconfig.py's plugins). Reflex offers no options for these."""
