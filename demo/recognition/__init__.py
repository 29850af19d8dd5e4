"""Recognition: landmarks -> features -> movements -> an action class and how goal-directed it looks."""
