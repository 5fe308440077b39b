"""Starting the whole app on one machine: set-up, helper servers and Reflex itself."""
