from search.entrypoints.cli import main

main()
