"""API types, one module per aggregate. The schema itself is assembled in gql/schema/root.py
(register new root Query/Mutation/Subscription types there)."""
