from benchmarks.roster import main

raise SystemExit(main())
