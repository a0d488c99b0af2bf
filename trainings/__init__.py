"""Classes, practice sessions and webinars for officers and members; attendance;
who is trained in what."""
