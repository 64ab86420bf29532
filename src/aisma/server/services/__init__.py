"""Services: every function takes ``(session, actor, ...)``, checks the actor's role and organization,
writes its audit entry in the same transaction and raises ``aisma.server.errors`` exceptions.

The caller chooses the transaction: ``with database.transaction() as session: service(session, actor, ...)``.
"""
