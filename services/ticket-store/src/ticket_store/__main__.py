from ticket_store.entrypoints.cli import main

main()
