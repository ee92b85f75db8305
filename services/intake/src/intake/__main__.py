from intake.entrypoints.cli import main

main()
