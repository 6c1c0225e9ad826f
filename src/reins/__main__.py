from reins.cli import main

main()
