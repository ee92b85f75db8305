from portal.entrypoints.cli import main

main()
