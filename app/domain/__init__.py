"""Pure business rules. Standard library only: no ORM, web framework or SDK imports."""
