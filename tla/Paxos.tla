------------------------------- MODULE Paxos -------------------------------
(***************************************************************************)
(* Single-decree Paxos: the TLA+ twin of spec/paxos/paxos.ts in synod.     *)
(*                                                                         *)
(* Both files describe the same state machine, so TLC on this module and   *)
(* `synod check paxos` on the TypeScript model must agree on the verdict,  *)
(* the number of distinct states and the depth of the search (see the      *)
(* .cfg files next to this one for the figures of each instance).          *)
(*                                                                         *)
(* What is modelled. A set of acceptors votes on values in numbered        *)
(* ballots 0..MaxBallot. A value is chosen once every member of some       *)
(* quorum (any Cardinality(Acceptor) \div 2 + 1 acceptors) has voted for   *)
(* it in the same ballot. Each ballot has a leader, which is implicit:     *)
(* the leader's steps are the actions parameterised by the ballot alone.   *)
(*                                                                         *)
(*   Phase1a(b)       the leader of b invites every acceptor to join b.    *)
(*   Phase1b(a, b)    acceptor a joins b if it has joined nothing at or    *)
(*                    above b; it promises not to vote below b and tells   *)
(*                    the leader the last vote it cast, if any.            *)
(*   Phase2a(b, v)    when the members of a quorum have all joined b, the  *)
(*                    leader proposes v, at most once per ballot. If none  *)
(*                    of them has voted, any v will do; otherwise v must   *)
(*                    be the value of the highest-ballot vote they report. *)
(*   Phase2b(a, b, v) acceptor a votes for the proposal (b, v) unless it   *)
(*                    has already joined a higher ballot.                  *)
(*                                                                         *)
(* The network is the ever-growing set msgs: a message is never removed,   *)
(* so loss, duplication and reordering are all behaviours of the spec.     *)
(*                                                                         *)
(* Agreement (at most one value is ever chosen) holds because any two      *)
(* quorums share an acceptor: a leader that proposes in ballot b has heard *)
(* from a quorum that overlaps every quorum that chose in a lower ballot,  *)
(* and the overlapping acceptor reports that vote (or a later one), which  *)
(* forces the leader to re-propose the chosen value.                       *)
(*                                                                         *)
(* IgnorePromises = TRUE is a deliberately broken variant (the             *)
(* 'ignore-promises' variant of the TypeScript model): the leader proposes *)
(* any value as soon as a quorum has joined, disregarding the votes the    *)
(* acceptors reported. TLC must then find a behaviour that violates        *)
(* Agreement.                                                              *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Acceptor,       \* the acceptors (model values in the .cfg)
    Value,          \* the values that may be proposed
    None,           \* a model value outside Value: "has not voted yet"
    MaxBallot,      \* ballots are 0..MaxBallot
    IgnorePromises  \* TRUE selects the known-bad variant described above

ASSUME
    /\ Acceptor # {}
    /\ None \notin Value
    /\ MaxBallot \in Nat
    /\ IgnorePromises \in BOOLEAN

Ballot == 0..MaxBallot

\* A quorum is any set of floor(N/2)+1 acceptors; two of them always intersect.
Quorum == {Q \in SUBSET Acceptor : Cardinality(Q) = Cardinality(Acceptor) \div 2 + 1}

\* Every message the protocol can send. A 1b message carries the sender's last
\* vote as <<mbal, mval>>, which is <<-1, None>> when it has never voted.
Message ==
         [type : {"1a"}, bal : Ballot]
    \cup [type : {"1b"}, acc : Acceptor, bal : Ballot,
          mbal : Ballot \cup {-1}, mval : Value \cup {None}]
    \cup [type : {"2a"}, bal : Ballot, val : Value]
    \cup [type : {"2b"}, acc : Acceptor, bal : Ballot, val : Value]

VARIABLES
    maxBal,   \* maxBal[a]: the highest ballot acceptor a has joined, or -1
    maxVBal,  \* maxVBal[a]: the ballot of a's last vote, or -1
    maxVal,   \* maxVal[a]: the value of a's last vote, or None
    msgs      \* every message sent so far

vars == <<maxBal, maxVBal, maxVal, msgs>>

TypeOK ==
    /\ maxBal \in [Acceptor -> Ballot \cup {-1}]
    /\ maxVBal \in [Acceptor -> Ballot \cup {-1}]
    /\ maxVal \in [Acceptor -> Value \cup {None}]
    /\ msgs \subseteq Message

Init ==
    /\ maxBal = [a \in Acceptor |-> -1]
    /\ maxVBal = [a \in Acceptor |-> -1]
    /\ maxVal = [a \in Acceptor |-> None]
    /\ msgs = {}

Send(m) == msgs' = msgs \cup {m}

(***************************************************************************)
(* Facts about msgs. The type field is tested first, so the fields that    *)
(* only some kinds of message have are read only where they exist.         *)
(***************************************************************************)
Invited(b) == \E m \in msgs : m.type = "1a" /\ m.bal = b

Proposed(b, v) == \E m \in msgs : m.type = "2a" /\ m.bal = b /\ m.val = v

ProposalMade(b) == \E v \in Value : Proposed(b, v)

VotedFor(a, b, v) ==
    \E m \in msgs : m.type = "2b" /\ m.acc = a /\ m.bal = b /\ m.val = v

\* The 1b messages that members of Q sent to join ballot b (one per member at most).
JoinReplies(b, Q) == {m \in msgs : m.type = "1b" /\ m.bal = b /\ m.acc \in Q}

\* Every member of Q has joined ballot b.
AllJoined(b, Q) == \A a \in Q : \E m \in JoinReplies(b, Q) : m.acc = a

\* The replies among them that report an earlier vote.
ReportedVotes(b, Q) == {m \in JoinReplies(b, Q) : m.mbal # -1}

\* v is the value of a vote with the highest ballot reported by Q for b.
HighestReported(b, Q, v) ==
    \E m \in ReportedVotes(b, Q) :
        /\ m.mval = v
        /\ \A n \in ReportedVotes(b, Q) : n.mbal <= m.mbal

\* The leader of b may propose v, given what a quorum told it.
Proposable(b, v) ==
    \E Q \in Quorum :
        /\ AllJoined(b, Q)
        /\ \/ ReportedVotes(b, Q) = {}
           \/ IgnorePromises
           \/ HighestReported(b, Q, v)

(***************************************************************************)
(* The actions.                                                            *)
(***************************************************************************)
Phase1a(b) ==
    /\ Send([type |-> "1a", bal |-> b])
    /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

Phase1b(a, b) ==
    /\ Invited(b)
    /\ b > maxBal[a]
    /\ maxBal' = [maxBal EXCEPT ![a] = b]
    /\ Send([type |-> "1b", acc |-> a, bal |-> b,
             mbal |-> maxVBal[a], mval |-> maxVal[a]])
    /\ UNCHANGED <<maxVBal, maxVal>>

Phase2a(b, v) ==
    /\ ~ProposalMade(b)
    /\ Proposable(b, v)
    /\ Send([type |-> "2a", bal |-> b, val |-> v])
    /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

Phase2b(a, b, v) ==
    /\ Proposed(b, v)
    /\ b >= maxBal[a]
    /\ maxBal' = [maxBal EXCEPT ![a] = b]
    /\ maxVBal' = [maxVBal EXCEPT ![a] = b]
    /\ maxVal' = [maxVal EXCEPT ![a] = v]
    /\ Send([type |-> "2b", acc |-> a, bal |-> b, val |-> v])

Next ==
    \/ \E b \in Ballot : Phase1a(b)
    \/ \E b \in Ballot, v \in Value : Phase2a(b, v)
    \/ \E a \in Acceptor, b \in Ballot : Phase1b(a, b)
    \/ \E a \in Acceptor, b \in Ballot, v \in Value : Phase2b(a, b, v)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Safety.                                                                 *)
(***************************************************************************)
\* The values that some quorum has voted for in one ballot.
chosen ==
    {v \in Value : \E b \in Ballot : \E Q \in Quorum : \A a \in Q : VotedFor(a, b, v)}

Agreement == Cardinality(chosen) <= 1

THEOREM Spec => []TypeOK

\* Only for the correct protocol: the IgnorePromises variant exists to break it.
THEOREM ~IgnorePromises => (Spec => []Agreement)
=============================================================================
