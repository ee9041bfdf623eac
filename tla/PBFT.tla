-------------------------------- MODULE PBFT --------------------------------
(***************************************************************************)
(* PBFT (Castro and Liskov, OSDI 1999) with f Byzantine replicas: the TLA+ *)
(* twin of spec/pbft/pbft.ts in synod.                                     *)
(*                                                                         *)
(* Both files describe the same state machine (same variables, same        *)
(* actions with the same parameters), so TLC on this module and            *)
(* `synod check pbft` on the TypeScript model must agree on the verdict,   *)
(* the number of distinct states and the depth (see the .cfg files next    *)
(* to this one for the figures of each instance).                          *)
(*                                                                         *)
(* Replicas are 0..NumReplicas-1 (r0, r1, ... in synod); the primary of    *)
(* view v is v % NumReplicas. Replicas 0..NumFaulty-1 are faulty, so with  *)
(* f >= 1 the primary of view 0 is Byzantine. A quorum is any 2f+1         *)
(* replicas. Slots (sequence numbers) are 1..MaxSeq, views 0..MaxView.     *)
(*                                                                         *)
(*   Request(c)        a client sends (or re-sends) its request c.         *)
(*   PrePrepare(v,s,c) the honest primary of v binds its lowest free slot  *)
(*                     s to a request c it has not bound in v.             *)
(*   Prepare(i,v,s,x)  backup i in view v accepts the pre-prepare for      *)
(*                     (v,s) (any client request if the primary is         *)
(*                     faulty) unless it accepted one already.             *)
(*   Commit(i,v,s,x)   i is prepared: it accepted (v,s,x) and 2f backups   *)
(*                     prepared it.                                        *)
(*   ViewChange(i,v)   on a timeout i moves to view v = view[i]+1, inactive. *)
(*   NewView(v,o)      the honest primary of v, holding 2f+1 view-changes, *)
(*                     sends NEW-VIEW(v, o) and the pre-prepares of o.     *)
(*   AcceptNewView(i,v,o)  backup i enters view v and prepares every       *)
(*                     entry of o (for a faulty primary: any o that some   *)
(*                     2f+1 view-changes justify).                         *)
(*                                                                         *)
(* The Byzantine abstraction. Only clients' and honest replicas' messages  *)
(* are in msgs (which only grows: loss, duplication and reordering are     *)
(* behaviours). A faulty replica counts in every quorum as having sent     *)
(* whatever helps, for every (view, slot, value) at once: it equivocates,  *)
(* and since every guard is monotone in msgs and in the helpers counted,   *)
(* it may as well be silent. In a VIEW-CHANGE it may report any valid      *)
(* prepared certificate (2f+1 signers, its honest ones' messages in msgs)  *)
(* or none: it cannot forge honest signatures, because honest messages     *)
(* enter msgs only through honest actions. Client requests are signed, so *)
(* a faulty primary can only pre-prepare requests in msgs. An honest       *)
(* replica's prepared certificates are its commits (it commits as soon as  *)
(* it is prepared), so a VIEW-CHANGE carries no payload here: its P is     *)
(* read from the sender's commits of lower views, frozen once it left      *)
(* them. Replies are not stored (no replica reads them): RequestAccepted   *)
(* reads them from the committed slots. See spec/pbft/pbft.ts for the      *)
(* full argument.                                                          *)
(*                                                                         *)
(* Safety: two quorums of 2f+1 among 3f+1 replicas share an honest one.    *)
(* A request committed at (v, s) was prepared by f+1 honest replicas; any  *)
(* 2f+1 view-changes for a later view include one of them, so O binds s to *)
(* the same request (ViewChangeSafety), hence Agreement.                   *)
(*                                                                         *)
(* Variant = "small-quorums" uses quorums of 2f; Variant =                 *)
(* "ignore-prepared" makes the new primary send an empty O and re-propose  *)
(* freely. TLC must find an invariant violation for both.                  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    NumReplicas,    \* n
    NumFaulty,      \* f: replicas 0..f-1 are faulty
    MaxView,        \* views are 0..MaxView
    MaxSeq,         \* slots are 1..MaxSeq
    ClientRequest,  \* the client requests (model values c1, c2, ...)
    Null,           \* a model value outside ClientRequest: the null request
    Free,           \* a model value: "this slot has no pre-prepare in O"
    Variant         \* "correct", "small-quorums" or "ignore-prepared"

ASSUME
    /\ NumFaulty \in Nat
    /\ NumReplicas \in Nat /\ NumReplicas >= 2 * NumFaulty + 1
    /\ MaxView \in Nat
    /\ MaxSeq \in Nat /\ MaxSeq >= 1
    /\ ClientRequest # {}
    /\ Null \notin ClientRequest
    /\ Free \notin ClientRequest \cup {Null}
    /\ Variant \in {"correct", "small-quorums", "ignore-prepared"}
    /\ Variant = "small-quorums" => NumFaulty >= 1

Replica == 0..(NumReplicas - 1)
Faulty == 0..(NumFaulty - 1)
Honest == Replica \ Faulty
View == 0..MaxView
Seq == 1..MaxSeq
Value == ClientRequest \cup {Null}
Primary(v) == v % NumReplicas

\* The size of a quorum.
QuorumSize == IF Variant = "small-quorums" THEN 2 * NumFaulty ELSE 2 * NumFaulty + 1

\* The O of a NEW-VIEW: what each slot is bound to, or Free.
OSet == [Seq -> Value \cup {Free}]

Message ==
         [type : {"request"}, req : ClientRequest]
    \cup [type : {"preprepare"}, view : View, seq : Seq, val : Value]
    \cup [type : {"prepare", "commit"}, view : View, seq : Seq, val : Value, rep : Honest]
    \cup [type : {"viewchange"}, view : View, rep : Honest]
    \cup [type : {"newview"}, view : View, o : OSet]

VARIABLES
    view,     \* view[i]: the view honest replica i is in
    active,   \* active[i]: FALSE between leaving a view and accepting the next NEW-VIEW
    msgs      \* every message sent so far by clients and honest replicas

vars == <<view, active, msgs>>

TypeOK ==
    /\ view \in [Honest -> View]
    /\ active \in [Honest -> BOOLEAN]
    /\ msgs \subseteq Message

Init ==
    /\ view = [i \in Honest |-> 0]
    /\ active = [i \in Honest |-> TRUE]
    /\ msgs = {}

Send(m) == msgs' = msgs \cup {m}

Max(S) == CHOOSE m \in S : \A k \in S : k <= m

(***************************************************************************)
(* Messages and facts about msgs.                                          *)
(***************************************************************************)
RequestMsg(c) == [type |-> "request", req |-> c]
PrePrepareMsg(v, s, x) == [type |-> "preprepare", view |-> v, seq |-> s, val |-> x]
PrepareMsg(v, s, x, i) == [type |-> "prepare", view |-> v, seq |-> s, val |-> x, rep |-> i]
CommitMsg(v, s, x, i) == [type |-> "commit", view |-> v, seq |-> s, val |-> x, rep |-> i]
ViewChangeMsg(v, i) == [type |-> "viewchange", view |-> v, rep |-> i]
NewViewMsg(v, o) == [type |-> "newview", view |-> v, o |-> o]

Issued(c) == RequestMsg(c) \in msgs

\* Backups of view v that sent PREPARE(v, s, x), the faulty ones always included.
Preparers(v, s, x) ==
    {b \in Replica \ {Primary(v)} : b \in Faulty \/ PrepareMsg(v, s, x, b) \in msgs}

\* Replicas that sent COMMIT(v, s, x), the faulty ones always included.
Committers(v, s, x) == {r \in Replica : r \in Faulty \/ CommitMsg(v, s, x, r) \in msgs}

\* A prepared certificate for (v, s, x) can be shown: the pre-prepare and 2f prepares.
ValidCert(v, s, x) ==
    /\ Primary(v) \in Faulty \/ PrePrepareMsg(v, s, x) \in msgs
    /\ Cardinality(Preparers(v, s, x)) >= QuorumSize - 1

\* Honest i accepted x for slot s of view v: as primary its pre-prepare, else its prepare.
Accepted(i, v, s, x) ==
    IF i = Primary(v) THEN PrePrepareMsg(v, s, x) \in msgs ELSE PrepareMsg(v, s, x, i) \in msgs

HasAccepted(i, v, s) == \E x \in Value : Accepted(i, v, s, x)

\* Honest i is committed-local for x at slot s: its commit and a quorum of commits in one view.
CommittedLocal(i, s, x) ==
    \E v \in View : CommitMsg(v, s, x, i) \in msgs /\ Cardinality(Committers(v, s, x)) >= QuorumSize

\* Some honest replica is committed-local for x at slot s in view v.
CommittedIn(v, s, x) ==
    /\ Cardinality(Committers(v, s, x)) >= QuorumSize
    /\ \E i \in Honest : CommitMsg(v, s, x, i) \in msgs

(***************************************************************************)
(* The O sets a NEW-VIEW for view v may carry. For a quorum Q of replicas  *)
(* that sent VIEW-CHANGE(v) (faulty ones always may), slot s may be bound  *)
(* to the value of a highest-view certificate an honest member of Q        *)
(* reports (its commits of views below v), or, if Q has a faulty member,   *)
(* to the value of any valid certificate of a view at or above that one    *)
(* and below v. A slot with no certificate is Free; a Free slot below a    *)
(* bound one gets the null request.                                        *)
(***************************************************************************)
ViewChangeSenders(v) == Faulty \cup {i \in Honest : ViewChangeMsg(v, i) \in msgs}

Reported(Q, v, s) ==
    {m \in msgs : m.type = "commit" /\ m.rep \in Q /\ m.view < v /\ m.seq = s}

SlotChoices(Q, v, s) ==
    LET rep == Reported(Q, v, s)
        top == IF rep = {} THEN -1 ELSE Max({m.view : m \in rep})
        honest == IF rep = {} THEN {Free} ELSE {m.val : m \in {n \in rep : n.view = top}}
        lies == IF Q \cap Faulty = {} THEN {}
                ELSE {x \in Value : \E w \in View : w >= top /\ w < v /\ ValidCert(w, s, x)}
    IN honest \cup lies

Normalize(o) ==
    [s \in Seq |-> IF o[s] = Free /\ \E t \in Seq : t > s /\ o[t] # Free THEN Null ELSE o[s]]

AdmissibleO(v) ==
    {Normalize(o) : o \in {c \in OSet :
        \E Q \in SUBSET ViewChangeSenders(v) :
            /\ Cardinality(Q) = QuorumSize
            /\ \A s \in Seq :
                IF Variant = "ignore-prepared" THEN c[s] = Free ELSE c[s] \in SlotChoices(Q, v, s)}}

Bound(o) == {s \in Seq : o[s] # Free}

(***************************************************************************)
(* The actions.                                                            *)
(***************************************************************************)
Request(c) ==
    /\ Send(RequestMsg(c))
    /\ UNCHANGED <<view, active>>

PrePrepare(v, s, c) ==
    LET p == Primary(v) IN
    /\ p \in Honest
    /\ view[p] = v
    /\ active[p]
    /\ Issued(c)
    /\ ~HasAccepted(p, v, s)
    /\ \A t \in Seq : t < s => HasAccepted(p, v, t)
    /\ \A t \in Seq : PrePrepareMsg(v, t, c) \notin msgs
    /\ Send(PrePrepareMsg(v, s, c))
    /\ UNCHANGED <<view, active>>

Prepare(i, v, s, x) ==
    /\ i # Primary(v)
    /\ view[i] = v
    /\ active[i]
    /\ ~HasAccepted(i, v, s)
    /\ IF Primary(v) \in Faulty
          THEN x \in ClientRequest /\ Issued(x)
          ELSE PrePrepareMsg(v, s, x) \in msgs
    /\ Send(PrepareMsg(v, s, x, i))
    /\ UNCHANGED <<view, active>>

Commit(i, v, s, x) ==
    /\ view[i] = v
    /\ active[i]
    /\ Accepted(i, v, s, x)
    /\ Cardinality(Preparers(v, s, x)) >= QuorumSize - 1
    /\ Send(CommitMsg(v, s, x, i))
    /\ UNCHANGED <<view, active>>

ViewChange(i, v) ==
    /\ v = view[i] + 1
    /\ view' = [view EXCEPT ![i] = v]
    /\ active' = [active EXCEPT ![i] = FALSE]
    /\ Send(ViewChangeMsg(v, i))

NewView(v, o) ==
    LET p == Primary(v) IN
    /\ v > 0
    /\ p \in Honest
    /\ view[p] = v
    /\ ~active[p]
    /\ o \in AdmissibleO(v)
    /\ active' = [active EXCEPT ![p] = TRUE]
    /\ msgs' = msgs \cup {NewViewMsg(v, o)} \cup {PrePrepareMsg(v, s, o[s]) : s \in Bound(o)}
    /\ UNCHANGED view

AcceptNewView(i, v, o) ==
    LET p == Primary(v) IN
    /\ v > 0
    /\ i # p
    /\ \/ view[i] < v
       \/ view[i] = v /\ ~active[i]
    /\ IF p \in Faulty THEN o \in AdmissibleO(v) ELSE NewViewMsg(v, o) \in msgs
    /\ view' = [view EXCEPT ![i] = v]
    /\ active' = [active EXCEPT ![i] = TRUE]
    /\ msgs' = msgs \cup {PrepareMsg(v, s, o[s], i) : s \in Bound(o)}

Next ==
    \/ \E c \in ClientRequest : Request(c)
    \/ \E v \in View, s \in Seq, c \in ClientRequest : PrePrepare(v, s, c)
    \/ \E v \in View, o \in OSet : NewView(v, o)
    \/ \E i \in Honest, v \in View : ViewChange(i, v)
    \/ \E i \in Honest, v \in View, o \in OSet : AcceptNewView(i, v, o)
    \/ \E i \in Honest, v \in View, s \in Seq, x \in Value : Prepare(i, v, s, x) \/ Commit(i, v, s, x)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Safety: the `always` properties of the TypeScript twin.                 *)
(***************************************************************************)
Agreement ==
    \A s \in Seq, x, y \in Value :
        (\E i, j \in Honest : CommittedLocal(i, s, x) /\ CommittedLocal(j, s, y)) => x = y

Validity ==
    \A s \in Seq, c \in ClientRequest :
        (\E i \in Honest : CommittedLocal(i, s, c)) => Issued(c)

ViewChangeSafety ==
    \A v \in View, s \in Seq, x \in Value :
        CommittedIn(v, s, x) =>
            \A m \in msgs :
                (m.type \in {"preprepare", "prepare", "commit"} /\ m.seq = s /\ m.view > v) => m.val = x

(***************************************************************************)
(* Reachability: the `sometimes` properties of the TypeScript twin. TLC    *)
(* shows one is reachable when the invariant ~P fails; they are not meant  *)
(* to be listed under INVARIANTS as they are.                              *)
(***************************************************************************)
RequestCommitted == \E s \in Seq, c \in ClientRequest, i \in Honest : CommittedLocal(i, s, c)

\* f+1 matching replies: the f faulty replicas' and an honest one that executed slots 1..s.
RequestAccepted ==
    \E s \in Seq, c \in ClientRequest, i \in Honest :
        /\ CommittedLocal(i, s, c)
        /\ \A t \in Seq : t < s => \E x \in Value : CommittedLocal(i, t, x)

NewViewInstalled == \E i \in Honest : view[i] > 0 /\ active[i]

THEOREM Spec => []TypeOK

\* Only for n <= 3f+1 and the correct protocol.
THEOREM (Variant = "correct" /\ NumReplicas <= 3 * NumFaulty + 1) =>
            (Spec => [](Agreement /\ Validity /\ ViewChangeSafety))
=============================================================================
